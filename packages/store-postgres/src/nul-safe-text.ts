import {
  OperationNodeTransformer, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type PrimitiveValueListNode,
  type QueryResult, type RootOperationNode, type UnknownRow, type ValueNode,
} from 'kysely';

/*
 * PostgreSQL's text cannot hold U+0000, but an id or a name a client sends may (the port stores
 * any string and looks any string up). Such a string is stored escaped: a marker no client text
 * starts with by chance (a private-use character and a tag), then the string with `%` and NUL
 * percent-encoded. Any other string, the JSON columns' text included (JSON.stringify writes NUL
 * as `\u0000` and a JSON text never starts with the marker), is stored as it is. Escaping is
 * one-to-one, so lookups of escaped values still match exactly.
 */
const MARKER = '\uE000nul:';

export function escapeNul(text: string): string {
  if (!text.includes('\u0000') && !text.startsWith(MARKER)) return text;
  return MARKER + text.replace(/%/g, '%25').replace(/\u0000/g, '%00');
}

export function unescapeNul(text: string): string {
  if (!text.startsWith(MARKER)) return text;
  return text.slice(MARKER.length).replace(/%00/g, '\u0000').replace(/%25/g, '%');
}

function escapeValue(value: unknown): unknown {
  return typeof value === 'string' ? escapeNul(value) : value;
}

/** Escapes every string bound as a parameter. */
class NulEscapingTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return typeof node.value === 'string' ? { ...node, value: escapeNul(node.value) } : node;
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return { ...node, values: node.values.map(escapeValue) };
  }
}

/** The kysely plugin that escapes strings on the way in and unescapes text columns on the way out. */
export class NulSafeTextPlugin implements KyselyPlugin {
  readonly #transformer = new NulEscapingTransformer();

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(node);
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    for (const row of result.rows) {
      for (const key in row) {
        const value = row[key];
        if (typeof value === 'string' && value.startsWith(MARKER)) row[key] = unescapeNul(value);
      }
    }
    return result;
  }
}
