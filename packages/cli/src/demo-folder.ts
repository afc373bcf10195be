import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The one file the demo's tools find in their folder, so that listing and reading show something. */
const WELCOME_FILE = 'welcome.txt';
const WELCOME_TEXT = `Hello from agentport demo.
This folder is the only place the demo's built-in tools (shell, read_file, list_directory) can see.
It was made for this run and is deleted when the demo stops.
`;

/**
 * The temp folder of one `agentport demo` run: `workspace/` is what the tools see, the SQLite
 * file sits beside it (out of the tools' reach). Made with mkdtemp; `remove()` deletes it all.
 */
export class DemoFolder {
  private constructor(readonly path: string) {}

  static async create(parent: string = tmpdir()): Promise<DemoFolder> {
    const folder = new DemoFolder(await mkdtemp(join(parent, 'agentport-demo-')));
    await mkdir(folder.workspace);
    await writeFile(join(folder.workspace, WELCOME_FILE), WELCOME_TEXT);
    return folder;
  }

  /** The tools' root and working directory. */
  get workspace(): string {
    return join(this.path, 'workspace');
  }

  get database(): string {
    return join(this.path, 'agentport.db');
  }

  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}
