// A small MCP server on stdio: a shop's stock, for the gateway to host (see ../mcp.json).
// Any MCP client can run it: `node dist/inventory-server.js` speaks MCP on stdin/stdout.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

interface Product { sku: string; name: string; inStock: number }

const PRODUCTS: readonly Product[] = [
  { sku: 'MUG-BLUE', name: 'Blue enamel mug', inStock: 12 },
  { sku: 'MUG-RED', name: 'Red enamel mug', inStock: 0 },
  { sku: 'KETTLE-01', name: 'Stovetop kettle', inStock: 3 },
];

const server = new McpServer({ name: 'inventory', version: '1.0.0' });

server.registerTool('find_products', {
  description: 'Finds products whose name contains the query (case-insensitive); returns SKU and name of each.',
  inputSchema: { query: z.string().describe('part of a product name, e.g. "mug"') },
  annotations: { readOnlyHint: true },
}, async ({ query }) => {
  const found = PRODUCTS.filter((product) => product.name.toLowerCase().includes(query.toLowerCase()));
  const text = found.length === 0 ? 'No products match.' : found.map((product) => `${product.sku}: ${product.name}`).join('\n');
  return { content: [{ type: 'text', text }] };
});

server.registerTool('stock_level', {
  description: 'How many items of a product (by SKU) are in stock.',
  inputSchema: { sku: z.string().describe('the product SKU, e.g. "MUG-BLUE"') },
  annotations: { readOnlyHint: true },
}, async ({ sku }) => {
  const product = PRODUCTS.find((candidate) => candidate.sku === sku);
  if (!product) return { content: [{ type: 'text', text: `No product has the SKU ${sku}.` }], isError: true };
  return { content: [{ type: 'text', text: `${product.inStock} × ${product.name} in stock` }] };
});

await server.connect(new StdioServerTransport());
