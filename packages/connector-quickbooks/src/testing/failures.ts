import { qboTime } from './clock.js';
import { authXml, faultBody, throttleXml } from './faults.js';

/** A scripted failure for the next API request(s). */
export interface InjectedFailure {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Only requests whose path contains this string consume the failure. */
  pathIncludes?: string;
}

/** Ready-made failures for `failNext`. */
export const qboFailures = {
  /** A Fault inside an HTTP 200 (QuickBooks does this). */
  faultIn200: (code = '6000', message = 'A business validation error has occurred'): InjectedFailure => ({
    status: 200,
    contentType: 'application/json',
    body: faultBody(
      'ValidationFault',
      [{ code, message, detail: `Business Validation Error: ${message}` }],
      qboTime(new Date(), true),
    ),
  }),
  xml401: (): InjectedFailure => ({
    status: 401,
    contentType: 'application/xml',
    body: authXml(qboTime(new Date(), true)),
  }),
  throttled: (): InjectedFailure => ({
    status: 429,
    contentType: 'application/xml',
    body: throttleXml(qboTime(new Date(), true)),
  }),
  systemFault: (): InjectedFailure => ({
    status: 500,
    contentType: 'application/json',
    body: faultBody(
      'SystemFault',
      [
        {
          code: '10000',
          message: 'An application error has occurred while processing your request',
          detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data.',
        },
      ],
      qboTime(new Date(), true),
    ),
  }),
  forbidden: (): InjectedFailure => ({
    status: 403,
    contentType: 'application/json',
    body: faultBody(
      'AuthorizationFault',
      [
        {
          code: '3100',
          message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403',
          detail: '',
        },
      ],
      qboTime(new Date(), true),
    ),
  }),
} as const;
