import { conformanceScriptedStep, runAgentModelConformance, ScriptedModel } from '@agentport/core/testing';
import { fromAiSdk, toAiSdk } from '../src/index.js';
import { scenarioModel } from './v4-script.js';

// fromAiSdk over the AI SDK's own mock model, each scenario scripted as the V4 stream parts
// (or the thrown APICallError) an HTTP provider produces.
runAgentModelConformance('fromAiSdk(MockLanguageModelV4)', (scenario) => fromAiSdk(scenarioModel(scenario)));

// toAiSdk, read back through fromAiSdk: every event and error crosses the V4 spec twice.
runAgentModelConformance('fromAiSdk(toAiSdk(ScriptedModel))', (scenario) => fromAiSdk(toAiSdk(new ScriptedModel([conformanceScriptedStep(scenario)]))));
