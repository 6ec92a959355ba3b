/** Intuit's error bodies, as the API and the gateway send them. */

export type FaultType = 'ValidationFault' | 'SystemFault' | 'AuthenticationFault' | 'AuthorizationFault';

export interface FaultError {
  readonly message: string;
  readonly detail: string;
  readonly code: string;
  readonly element?: string;
}

/** An error the fake's core throws to answer with a Fault envelope. */
export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly type: FaultType | 'QueryParserError' | 'QueryValidationError',
    readonly errors: readonly FaultError[],
  ) {
    super(errors[0]?.message ?? type);
  }
}

export function faultBody(type: string, errors: readonly FaultError[], time: string): string {
  return JSON.stringify({
    Fault: {
      Error: errors.map((e) => ({
        Message: e.message,
        Detail: e.detail,
        code: e.code,
        ...(e.element === undefined ? {} : { element: e.element }),
      })),
      type,
    },
    time,
  });
}

export const validation = (code: string, message: string, detail: string, element?: string): QboFault =>
  new QboFault(400, 'ValidationFault', [
    { code, message, detail, ...(element === undefined ? {} : { element }) },
  ]);

export const staleObject = (id: string, syncToken: string | undefined): QboFault =>
  validation(
    '5010',
    'Stale Object Error',
    `Stale Object Error : You and root were working on this at the same time. root finished before you did, so your work was not saved. (Id=${id}, SyncToken sent=${syncToken ?? 'none'})`,
  );

export const objectNotFound = (entity: string, id: string): QboFault =>
  validation(
    '610',
    'Object Not Found',
    `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (${entity} Id=${id})`,
  );

export const duplicateName = (name: string, existingId: string): QboFault =>
  validation(
    '6240',
    'Duplicate Name Exists Error',
    `The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name. Id=${existingId} (${name})`,
  );

export const requiredParam = (element: string): QboFault =>
  validation(
    '2020',
    'Required param missing, need to supply the required value for the API',
    `Required parameter ${element} is missing in the request`,
    element,
  );

export const invalidReference = (element: string, id: string): QboFault =>
  validation(
    '2500',
    'Invalid Reference Id',
    `Invalid Reference Id : ${element} assigned is not found or inactive (Id=${id})`,
    element,
  );

export const queryParser = (detail: string): QboFault =>
  new QboFault(400, 'ValidationFault', [
    { code: '4000', message: 'Error parsing query', detail: `QueryParserError: ${detail}` },
  ]);

export const queryValidation = (detail: string): QboFault =>
  new QboFault(400, 'ValidationFault', [
    { code: '4001', message: 'Invalid query', detail: `QueryValidationError: ${detail}` },
  ]);

/** The gateway's lowercase 401 body (not a Fault envelope). */
export function gatewayAuthFault(detail: string, epochMs: number): string {
  return JSON.stringify({
    fault: {
      error: [
        {
          message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
          detail,
          code: '3200',
        },
      ],
      type: 'AUTHENTICATION',
    },
    time: epochMs,
  });
}

/** The XML body Intuit sends with a 429, whatever the Accept header said. */
export function throttleXml(time: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time}">
  <Fault type="SERVICE">
    <Error code="3001">
      <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>
      <Detail>The request limit was reached.</Detail>
    </Error>
  </Fault>
</IntuitResponse>`;
}

/** An XML 401 body, as some gateway paths answer. */
export function authXml(time: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time}">
  <Fault type="AUTHENTICATION">
    <Error code="3200">
      <Message>message=AuthenticationFailed; errorCode=003200; statusCode=401</Message>
      <Detail>Token revoked or expired</Detail>
    </Error>
  </Fault>
</IntuitResponse>`;
}
