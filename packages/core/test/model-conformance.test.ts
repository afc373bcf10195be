import { conformanceScriptedStep } from '../src/testing/conformance-scripted-step.js';
import { runAgentModelConformance } from '../src/testing/model-conformance.js';
import { ScriptedModel } from '../src/testing/scripted-model.js';

runAgentModelConformance('ScriptedModel', (scenario) => new ScriptedModel([conformanceScriptedStep(scenario)]));
