// Open Referral UK wants every id to be a UUID. Lantern's ids are text: a listing, location or
// taxonomy term id that is already a UUID is served as it is (lower case); any other id is served
// as a name-based UUID (RFC 4122 version 3, MD5) in Lantern's own namespace. The database stores
// the same value (lantern_oruk_id() in migration 0002, tested to agree), so a request for
// /oruk/services/{uuid} finds the listing by index whatever its Lantern id.
import crypto from 'node:crypto';

/** Lantern's namespace for name-based ORUK ids. Never change it: served ids would change. */
export const LANTERN_ORUK_NAMESPACE = '6b8ad556-ca68-4b16-968c-3552596629e4';
const NAMESPACE_HEX = LANTERN_ORUK_NAMESPACE.replace(/-/g, '');
const NAMESPACE_BYTES = Buffer.from(NAMESPACE_HEX, 'hex');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

function format(hex: string): string {
  const variant = '89ab89ab89ab89ab'[parseInt(hex[16]!, 16)]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-3${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The name-based UUID for any text, in Lantern's namespace. */
export function nameUuid(name: string): string {
  return format(crypto.createHash('md5').update(Buffer.concat([NAMESPACE_BYTES, Buffer.from(name, 'utf8')])).digest('hex'));
}

/** The ORUK id for a Lantern id: the id itself when it is a UUID, else its name-based UUID. */
export function orukId(id: string): string {
  return isUuid(id) ? id.toLowerCase() : nameUuid(id);
}
