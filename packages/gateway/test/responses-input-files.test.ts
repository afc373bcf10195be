import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';

// `input_file` parts as clients send them (`file_data`): text-like files inlined, PDFs read to
// text (by pdf.js through unpdf), anything else a 400 naming the media type.

const startGateway = useGateways();
const text = (value: string) => ({ parts: [{ type: 'text' as const, text: value }] });

/** A real PDF, one page per entry, each page showing its line in Helvetica (offsets computed, as a writer would). */
function pdfWithPages(pages: string[]): Buffer {
  const objects: string[] = [];
  const pageIds = pages.map((_, index) => 4 + index * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  pages.forEach((line, index) => {
    const stream = `BT /F1 18 Tf 72 720 Td (${line.replace(/[()\\]/g, '\\$&')}) Tj ET`;
    objects[pageIds[index]!] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[index]! + 1} 0 R >>`;
    objects[pageIds[index]! + 1] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id += 1) {
    offsets[id] = body.length;
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = body.length;
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n${offsets.slice(1).map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const dataUrl = (mediaType: string, data: Buffer | string) => `data:${mediaType};base64,${Buffer.from(data).toString('base64')}`;
const userWith = (...content: unknown[]) => [{ role: 'user', content: [{ type: 'input_text', text: 'Summarise the file.' }, ...content] }];
const modelSaw = (harness: Awaited<ReturnType<typeof startGateway>>, call = 0) => JSON.stringify(harness.model!.calls[call]!.request.messages);

describe('input_file in a message', () => {
  it('reads a PDF\'s text for the model, and keeps that text as the stored input', async () => {
    const harness = await startGateway({ model: [text('Revenue was 42 million.')] });
    const client = harness.client();
    const pdf = pdfWithPages(['Quarterly revenue was 42 million.', 'Costs fell by 3 percent.']);
    const response = await client.responses.create({
      model: 'm', input: userWith({ type: 'input_file', filename: 'report.pdf', file_data: dataUrl('application/pdf', pdf) }) as never,
    });
    expect(response.output_text).toBe('Revenue was 42 million.');
    const seen = modelSaw(harness);
    expect(seen).toContain('File report.pdf (application/pdf)');
    expect(seen).toContain('Quarterly revenue was 42 million.');
    expect(seen).toContain('Costs fell by 3 percent.');
    const stored = JSON.stringify((await client.responses.inputItems.list(response.id)).data);
    expect(stored).toContain('Costs fell by 3 percent.');
  });

  it('inlines a text-like file, by data URL or by bare base64 with a filename', async () => {
    const harness = await startGateway({ model: [text('ok'), text('ok')] });
    const client = harness.client();
    await client.responses.create({ model: 'm', input: userWith({ type: 'input_file', filename: 'notes.md', file_data: Buffer.from('# Plan\nShip on Friday.').toString('base64') }) as never });
    expect(modelSaw(harness, 0)).toContain('File notes.md (text/markdown):\\n\\n# Plan\\nShip on Friday.');
    await client.responses.create({ model: 'm', input: userWith({ type: 'input_file', file_data: dataUrl('application/json', '{"owner":"Ada"}') }) as never });
    expect(modelSaw(harness, 1)).toContain('{\\"owner\\":\\"Ada\\"}');
  });

  it('refuses what it cannot read with a 400 that names the part, and stores nothing', async () => {
    const harness = await startGateway({ model: [], config: { maxInputFilePages: 1 } });
    const post = (content: unknown) => harness.fetch('/v1/responses', { body: { model: 'm', input: userWith(content) } });
    const cases: Array<[unknown, string, string]> = [
      [{ type: 'input_file', file_data: dataUrl('image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47])) }, 'unsupported_file_type', 'input[0].content[1]'],
      [{ type: 'input_file', file_id: 'file-abc' }, 'invalid_request', 'input[0].content[1].file_id'],
      [{ type: 'input_file', file_url: 'https://example.com/a.pdf' }, 'invalid_request', 'input[0].content[1].file_url'],
      [{ type: 'input_file', file_data: dataUrl('application/pdf', 'not a pdf at all') }, 'invalid_file', 'input[0].content[1]'],
      [{ type: 'input_file', file_data: dataUrl('application/pdf', pdfWithPages(['one', 'two'])) }, 'invalid_request', 'input[0].content[1]'],
      [{ type: 'input_file', file_data: dataUrl('text/plain', Buffer.from([0xff, 0xfe, 0x00])) }, 'invalid_request', 'input[0].content[1].file_data'],
      [{ type: 'input_file', filename: 'photo.heic', file_data: 'AAAA' }, 'invalid_request', 'input[0].content[1].file_data'],
    ];
    for (const [content, code, param] of cases) {
      const answer = await post(content);
      const error = (await answer.json() as { error: { code: string; param: string; message: string } }).error;
      expect({ status: answer.status, code: error.code, param: error.param }, JSON.stringify(content).slice(0, 80)).toEqual({ status: 400, code, param });
    }
    const tooLong = await post({ type: 'input_file', file_data: dataUrl('application/pdf', pdfWithPages(['one', 'two'])) });
    expect((await tooLong.json() as { error: { message: string } }).error.message).toMatch(/has 2 pages; at most 1/);
    const image = await post({ type: 'input_file', file_data: dataUrl('image/png', 'x') });
    expect((await image.json() as { error: { message: string } }).error.message).toContain("'image/png'");
    expect(harness.store.writeCount).toBe(0);
  });

  it('reads a PDF added to a conversation as an item', async () => {
    const harness = await startGateway({ model: [] });
    const client = harness.client();
    const conversation = await client.conversations.create({
      items: userWith({ type: 'input_file', filename: 'memo.pdf', file_data: dataUrl('application/pdf', pdfWithPages(['The launch moved to May.'])) }) as never,
    });
    const items = await client.conversations.items.list(conversation.id);
    expect(JSON.stringify(items.data)).toContain('The launch moved to May.');
  });
});
