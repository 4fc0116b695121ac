// Errors the API throws for bad arguments (in their own module so that modules the Explainer
// imports can throw them too without an import cycle).
export class ExplainerError extends Error {}

/** A run stopped by its AbortSignal; `name` is 'AbortError', as fetch's and the DOM's are. */
export class AbortError extends ExplainerError {
  override name = 'AbortError';
}
