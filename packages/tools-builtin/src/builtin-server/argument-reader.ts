import { InvalidToolArgumentsError } from './errors.js';

/**
 * Reads a tool's arguments as the model sent them. The model provider may already have
 * checked them against the schema, but not every provider does, so each field is checked
 * again and a bad one is refused with a message the model can act on.
 */
export class ArgumentReader {
  private readonly fields: Record<string, unknown>;

  constructor(private readonly tool: string, input: unknown) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new InvalidToolArgumentsError(tool, 'the arguments must be a JSON object');
    }
    this.fields = input as Record<string, unknown>;
  }

  string(name: string, options: { maxLength: number }): string {
    const value = this.fields[name];
    if (typeof value !== 'string') throw new InvalidToolArgumentsError(this.tool, `"${name}" must be a string`);
    if (value.length > options.maxLength) throw new InvalidToolArgumentsError(this.tool, `"${name}" is longer than ${options.maxLength} characters`);
    return value;
  }

  stringList(name: string, options: { maxItems: number; maxLength: number }): string[] {
    const value = this.fields[name] ?? [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw new InvalidToolArgumentsError(this.tool, `"${name}" must be a list of strings`);
    }
    if (value.length > options.maxItems) throw new InvalidToolArgumentsError(this.tool, `"${name}" has more than ${options.maxItems} items`);
    const long = value.find((item) => item.length > options.maxLength);
    if (long !== undefined) throw new InvalidToolArgumentsError(this.tool, `an item of "${name}" is longer than ${options.maxLength} characters`);
    return value;
  }
}
