export { DraftAndReviseAgent } from './draft-and-revise-agent.js';
export { runToConsole } from './run-to-console.js';
