/**
 * The JSON Schema dialect our account-data schemas are written in: draft-07 plus the annotations
 * Monaco's JSON service (vscode-json-languageservice) understands for hovers and completions.
 *
 * Declared here rather than imported from Monaco so that schemas stay plain data: unit-testable in
 * Node and importable by features without pulling Monaco into their chunk.
 */
import type { JsonValue } from '../../matrix/types';

/** Draft-07 primitive type names. */
export type JsonSchemaTypeName = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** A draft-07 schema with the vscode-json-languageservice extensions we use. */
export type JsonSchema = {
  $id?: string;
  $schema?: string;
  $ref?: string;
  $comment?: string;
  title?: string;
  description?: string;
  default?: JsonValue;
  examples?: readonly JsonValue[];
  type?: JsonSchemaTypeName | readonly JsonSchemaTypeName[];
  enum?: readonly JsonValue[];
  const?: JsonValue;

  properties?: Readonly<Record<string, JsonSchema>>;
  patternProperties?: Readonly<Record<string, JsonSchema>>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  required?: readonly string[];
  minProperties?: number;
  maxProperties?: number;

  items?: JsonSchema | readonly JsonSchema[];
  additionalItems?: boolean | JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  contains?: JsonSchema;

  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?:
    | 'uri'
    | 'uri-reference'
    | 'email'
    | 'date-time'
    | 'date'
    | 'time'
    | 'hostname'
    | 'ipv4'
    | 'ipv6'
    | 'color-hex';

  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;

  allOf?: readonly JsonSchema[];
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
  not?: JsonSchema;
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  definitions?: Readonly<Record<string, JsonSchema>>;

  // vscode-json-languageservice extensions: shown in hovers, completions and diagnostics.
  /** Hover text in Markdown; preferred over `description` by Monaco. */
  markdownDescription?: string;
  /** Replaces the generic "does not match pattern" message for `pattern`. */
  patternErrorMessage?: string;
  /** Replaces the generic message for any failure of this (sub)schema. */
  errorMessage?: string;
  /** Shown as a warning when the property is used at all. */
  deprecationMessage?: string;
  /** One description per `enum` value, in order, for completions. */
  enumDescriptions?: readonly string[];
  markdownEnumDescriptions?: readonly string[];
  /** Completion templates. */
  defaultSnippets?: readonly {
    label?: string;
    description?: string;
    markdownDescription?: string;
    body?: JsonValue;
    bodyText?: string;
  }[];
  doNotSuggest?: boolean;
};

/** Where an account-data type can live; device-scoped data (MSC4331) has no known types yet. */
export type SchemaScope = 'global' | 'room';

/** One registry entry: a schema and the account-data types and scopes it describes. */
export type AccountDataSchema = {
  /** Stable identifier; the schema URI ends with it. Kebab-free, usually the main type name. */
  id: string;
  /**
   * Event types described. An entry ending in `.*` is a family whose suffix is an ID
   * (`m.secret_storage.key.*` covers `m.secret_storage.key.<keyId>`).
   */
  types: readonly string[];
  /** Scopes where these types are meaningful; the schema applies only there. */
  scopes: readonly SchemaScope[];
  schema: JsonSchema;
};
