import type { ModelWarning } from '@agentport/core';
import type { SharedV3Warning, SharedV4Warning } from '@ai-sdk/provider';

/** An AI SDK call warning as a port warning, its kind as the code. */
export function warningFromAiSdk(warning: SharedV4Warning | SharedV3Warning): ModelWarning {
  switch (warning.type) {
    case 'unsupported':
      return { code: 'unsupported_setting', message: `${warning.feature} is not supported${detailsOf(warning.details)}` };
    case 'compatibility':
      return { code: 'compatibility_mode', message: `${warning.feature} runs in a compatibility mode${detailsOf(warning.details)}` };
    case 'deprecated':
      return { code: 'deprecated_setting', message: `${warning.setting} is deprecated: ${warning.message}` };
    case 'other':
      return { code: 'provider_warning', message: warning.message };
  }
}

/** A port warning as an AI SDK warning: the spec has no codes, so the code leads the message. */
export function warningToAiSdk(warning: ModelWarning): SharedV4Warning {
  return { type: 'other', message: `${warning.code}: ${warning.message}` };
}

function detailsOf(details: string | undefined): string {
  return details ? `: ${details}` : '';
}
