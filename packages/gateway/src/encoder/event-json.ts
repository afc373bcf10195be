/**
 * Each event's JSON, written once when more than one consumer takes it: a stored response's
 * event goes to the event log and to the client's stream, the same text both ways. The event
 * log keeps the text (`keepEventJson`, when it records the event); the stream asks for it
 * (`eventJson`) and serializes an event of an unstored response itself, with nothing kept.
 */
const kept = new WeakMap<object, string>();

/** The event's JSON, kept for the consumers after this one (the event is not changed after it is recorded). */
export function keepEventJson(event: object): string {
  const text = JSON.stringify(event);
  kept.set(event, text);
  return text;
}

/** The event's JSON: the text kept for it, or a new one. */
export function eventJson(event: object): string {
  return kept.get(event) ?? JSON.stringify(event);
}
