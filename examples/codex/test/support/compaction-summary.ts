/** What the fake model answers when asked to compact; a later request that holds it gets the final answer. */
export const COMPACTION_SUMMARY = 'COMPACTED: the user asked for the check command; it was run and printed agentport-e2e-ok.';
