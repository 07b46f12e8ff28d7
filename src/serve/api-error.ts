import { TextclassError } from '../errors.js';

/** The machine codes of docs/api.md, by HTTP status. */
export const ERROR_CODES = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal',
  503: 'not_ready',
} as const;

export type ApiStatus = keyof typeof ERROR_CODES;

/**
 * A failure the client caused (or may retry), answered as
 * `{"error": {"code", "message", "request_id"}}`. The message is one sentence a person can act on
 * and never contains a stack trace or a server path.
 */
export class ApiError extends TextclassError {
  constructor(
    readonly status: ApiStatus,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get code(): string {
    return ERROR_CODES[this.status];
  }
}

export interface ErrorBody {
  error: { code: string; message: string; request_id: string };
}

export function errorBody(status: ApiStatus, message: string, requestId: string): ErrorBody {
  return { error: { code: ERROR_CODES[status], message, request_id: requestId } };
}
