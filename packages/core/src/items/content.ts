/** Content parts of message items, in the OpenAI Responses shapes (snake_case, same names). */

export interface InputTextPart {
  type: 'input_text';
  text: string;
}

export interface InputImagePart {
  type: 'input_image';
  image_url: string | null;
  detail?: 'low' | 'high' | 'auto';
}

export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs?: unknown[];
}

export interface RefusalPart {
  type: 'refusal';
  refusal: string;
}

export interface ReasoningTextPart {
  type: 'reasoning_text';
  text: string;
}

export interface SummaryTextPart {
  type: 'summary_text';
  text: string;
}

export type InputContentPart = InputTextPart | InputImagePart;
export type OutputContentPart = OutputTextPart | RefusalPart;
export type MessageContentPart = InputContentPart | OutputContentPart;
