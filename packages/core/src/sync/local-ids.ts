import { createHash } from 'node:crypto';

/**
 * The id of a host record the engine creates for a provider record: a UUID derived from the
 * sync config and the remote id, so a run that crashed between writing the host record and
 * committing its link writes the same record again on resume instead of a duplicate.
 */
export function localIdFor(syncConfigId: string, remoteId: string): string {
  const hex = createHash('sha256').update(`${syncConfigId}\u0000${remoteId}`).digest('hex');
  // UUID v8 layout (RFC 9562: custom), variant 10.
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
