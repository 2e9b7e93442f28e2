/**
 * One validation finding: the field's path and what is wrong with it. In a module of its own so
 * that the per-kind rules and the CEL checks, which validate.ts calls, need not import validate.ts
 * back (an import cycle).
 */
export interface FieldError {
  field: string;
  message: string;
}
