/**
 * How a model honours a constraint:
 * - `constrained`: decoding is constrained, the output always fits;
 * - `validated`: the output is checked after decoding and may fail with a typed error;
 * - `unsupported`: a request that asks for it fails with `unsupported_capability`.
 */
export type ConstraintSupport = 'constrained' | 'validated' | 'unsupported';

export interface ModelCapabilities {
  tools: boolean;
  toolChoice: {
    /** `auto` with strict tools. */
    auto: ConstraintSupport;
    required: ConstraintSupport;
    named: ConstraintSupport;
  };
  structuredOutput: ConstraintSupport;
  reasoning: boolean;
  parallelToolCalls: boolean;
}
