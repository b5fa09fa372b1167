/** A JSON object (not null, not an array): how every reader of raw, unvalidated config or cookie JSON tells one. */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
