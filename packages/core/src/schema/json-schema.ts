/** A JSON Schema document (draft 2020-12 or 07), kept opaque: ajv interprets it. */
export type JsonSchema = { [keyword: string]: unknown };

/** A JSON value, for request bodies and payloads passed through untouched. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
