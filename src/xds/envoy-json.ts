/**
 * Envoy resources in the proto3 JSON form Envoy's own YAML and config_dump use (wrappers as
 * plain values, Durations as "5s", Anys with `@type`, enums by name), decoded from the bytes we
 * actually send. Used by golden tests, `attache translate` and the debug endpoint, so what a
 * reviewer reads is what Envoy receives: a field protobufjs silently dropped shows up missing.
 */
import * as protobuf from 'protobufjs';
import { type EncodedAny, envoyRoot, messageType } from './proto';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const WRAPPERS = new Set([
  'google.protobuf.DoubleValue',
  'google.protobuf.FloatValue',
  'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value',
  'google.protobuf.Int32Value',
  'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue',
  'google.protobuf.StringValue',
  'google.protobuf.BytesValue',
]);

export function anyToEnvoyJson(packed: EncodedAny): { [k: string]: Json } {
  const type = messageType(packed.type_url);
  return { '@type': packed.type_url, ...(messageToJson(type, type.decode(packed.value)) as { [k: string]: Json }) };
}

function messageToJson(type: protobuf.Type, message: protobuf.Message): Json {
  const name = type.fullName.slice(1);
  const obj = message as unknown as Record<string, unknown>;
  if (WRAPPERS.has(name)) return scalar(type.fields.value, obj.value);
  if (name === 'google.protobuf.Duration') return duration(obj.seconds, obj.nanos);
  if (name === 'google.protobuf.Any') {
    const url = String(obj.type_url ?? '');
    const inner = envoyRoot().lookupType(url.slice(url.lastIndexOf('/') + 1));
    return { '@type': url, ...(messageToJson(inner, inner.decode(obj.value as Uint8Array)) as object) };
  }
  if (name === 'google.protobuf.Struct') return structToJson(obj);
  const out: { [k: string]: Json } = {};
  for (const field of type.fieldsArray) {
    // Decoded messages carry defaults on the prototype; only own properties were on the wire.
    if (!hasMember(message, field.name)) continue;
    const value = obj[field.name];
    if (value === undefined || value === null) continue;
    if (field.repeated && Array.isArray(value)) {
      if (value.length > 0) out[field.name] = value.map((v) => fieldValue(field, v));
    } else if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > 0) out[field.name] = Object.fromEntries(entries.map(([k, v]) => [k, fieldValue(field, v)]));
    } else {
      out[field.name] = fieldValue(field, value);
    }
  }
  return out;
}

function hasMember(message: protobuf.Message, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, name);
}

function fieldValue(field: protobuf.Field, value: unknown): Json {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageToJson(resolved, value as protobuf.Message);
  if (resolved instanceof protobuf.Enum) return resolved.valuesById[value as number] ?? (value as number);
  return scalar(field, value);
}

function scalar(field: protobuf.Field, value: unknown): Json {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object' && value !== null && 'low' in value) return String(value); // Long → string, as proto3 JSON
  if (['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'].includes(field.type)) return String(value);
  return value as Json;
}

function duration(s: unknown, n: unknown): string {
  const secs = Number(String(s ?? 0));
  const nanos = Number(n ?? 0);
  return nanos === 0 ? `${secs}s` : `${(secs + nanos / 1e9).toFixed(9).replace(/0+$/, '')}s`;
}

/** A google.protobuf.Struct (as protobufjs decodes it) as plain JSON, e.g. a node's metadata. */
export function structToJson(obj: Record<string, unknown>): Json {
  const fields = (obj.fields ?? {}) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, valueToJson(v)]));
}

function valueToJson(v: Record<string, unknown>): Json {
  if (v.structValue) return structToJson(v.structValue as Record<string, unknown>);
  if (v.struct_value) return structToJson(v.struct_value as Record<string, unknown>);
  const list = (v.listValue ?? v.list_value) as { values?: Record<string, unknown>[] } | undefined;
  if (list) return (list.values ?? []).map(valueToJson);
  for (const k of ['stringValue', 'string_value', 'numberValue', 'number_value', 'boolValue', 'bool_value']) {
    if (v[k] !== undefined) return v[k] as Json;
  }
  return null;
}
