/**
 * /openapi/v2 as protobuf: kubectl (client-go's OpenAPISchema) asks for
 * `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` only and cannot read JSON there.
 * The message is gnostic's openapi.v2.Document, laid out the way gnostic's compiler builds it
 * from the JSON document (kube-apiserver's ToProtoBinary): maps become repeated Named* pairs,
 * `x-` keys vendor extensions whose value is the YAML (here JSON, which is YAML) of the value.
 *
 * The document is a few MB, so it is written straight to the wire rather than built as message
 * objects first (ten times faster). Field numbers are read from the message descriptors
 * generated at build time (cli/build/openapi.ts), loaded on first use; nothing is compiled at
 * run time.
 */
import type { DescMessage } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { JsonObject } from '../../shared/openapi/v3-document.js';

type Gnostic = typeof import('../generated/openapi/openapiv2/OpenAPIv2_pb.js');
type Numbers = Record<string, number>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const objectsOf = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const entriesOf = (v: unknown): Array<[string, JsonObject]> =>
  isObject(v) ? Object.entries(v).filter((e): e is [string, JsonObject] => isObject(e[1])) : [];
const stringsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Field numbers by the descriptor's local (camelCase) names, e.g. `Ref` for gnostic's `_ref`. */
function numbers(desc: DescMessage): Numbers {
  return Object.fromEntries(desc.fields.map((f) => [f.localName, f.number]));
}

interface Layout {
  doc: Numbers;
  info: Numbers;
  paths: Numbers;
  named: Numbers;
  pathItem: Numbers;
  operation: Numbers;
  responses: Numbers;
  responseValue: Numbers;
  response: Numbers;
  schemaItem: Numbers;
  schema: Numbers;
  typeItem: Numbers;
  itemsItem: Numbers;
  properties: Numbers;
  additional: Numbers;
  any: Numbers;
  parametersItem: Numbers;
  parameter: Numbers;
  body: Numbers;
  nonBody: Numbers;
  query: Numbers;
  path: Numbers;
  header: Numbers;
  definitions: Numbers;
  security: Numbers;
  securityItem: Numbers;
  apiKey: Numbers;
  requirement: Numbers;
  stringArray: Numbers;
}

let layout: Layout | undefined;

function layoutOf(pb: Gnostic): Layout {
  return {
    doc: numbers(pb.DocumentSchema),
    info: numbers(pb.InfoSchema),
    paths: numbers(pb.PathsSchema),
    // Every Named* message is {name = 1, value = 2}.
    named: numbers(pb.NamedSchemaSchema),
    pathItem: numbers(pb.PathItemSchema),
    operation: numbers(pb.OperationSchema),
    responses: numbers(pb.ResponsesSchema),
    responseValue: numbers(pb.ResponseValueSchema),
    response: numbers(pb.ResponseSchema),
    schemaItem: numbers(pb.SchemaItemSchema),
    schema: numbers(pb.SchemaSchema),
    typeItem: numbers(pb.TypeItemSchema),
    itemsItem: numbers(pb.ItemsItemSchema),
    properties: numbers(pb.PropertiesSchema),
    additional: numbers(pb.AdditionalPropertiesItemSchema),
    any: numbers(pb.AnySchema),
    parametersItem: numbers(pb.ParametersItemSchema),
    parameter: numbers(pb.ParameterSchema),
    body: numbers(pb.BodyParameterSchema),
    nonBody: numbers(pb.NonBodyParameterSchema),
    query: numbers(pb.QueryParameterSubSchemaSchema),
    path: numbers(pb.PathParameterSubSchemaSchema),
    header: numbers(pb.HeaderParameterSubSchemaSchema),
    definitions: numbers(pb.DefinitionsSchema),
    security: numbers(pb.SecurityDefinitionsSchema),
    securityItem: numbers(pb.SecurityDefinitionsItemSchema),
    apiKey: numbers(pb.ApiKeySecuritySchema),
    requirement: numbers(pb.SecurityRequirementSchema),
    stringArray: numbers(pb.StringArraySchema),
  };
}

class Encoder {
  readonly w = new BinaryWriter();
  constructor(private readonly n: Layout) {}

  private str(no: number | undefined, v: unknown): void {
    if (no !== undefined && typeof v === 'string' && v !== '') this.w.tag(no, WireType.LengthDelimited).string(v);
  }
  private strs(no: number | undefined, v: unknown): void {
    for (const s of stringsOf(v)) if (no !== undefined) this.w.tag(no, WireType.LengthDelimited).string(s);
  }
  private bool(no: number | undefined, v: unknown): void {
    if (no !== undefined && v === true) this.w.tag(no, WireType.Varint).bool(true);
  }
  private msg(no: number | undefined, body: () => void): void {
    if (no === undefined) return;
    this.w.tag(no, WireType.LengthDelimited).fork();
    body();
    this.w.join();
  }
  private named(no: number | undefined, name: string, value: () => void): void {
    this.msg(no, () => {
      this.str(this.n.named.name, name);
      this.msg(this.n.named.value, value);
    });
  }
  private any(no: number | undefined, value: unknown): void {
    this.msg(no, () => this.str(this.n.any.yaml, JSON.stringify(value)));
  }
  private extensions(no: number | undefined, o: JsonObject): void {
    for (const [k, v] of Object.entries(o)) {
      if (k.startsWith('x-')) this.named(no, k, () => this.str(this.n.any.yaml, JSON.stringify(v)));
    }
  }

  schema(o: JsonObject): void {
    const s = this.n.schema;
    this.str(s.Ref, o.$ref);
    this.str(s.format, o.format);
    this.str(s.title, o.title);
    this.str(s.description, o.description);
    if (o.default !== undefined) this.any(s.default, o.default);
    this.bool(s.uniqueItems, o.uniqueItems);
    this.strs(s.required, o.required);
    if (Array.isArray(o.enum)) for (const e of o.enum) this.any(s.enum, e);
    if (isObject(o.additionalProperties)) {
      const ap = o.additionalProperties;
      this.msg(s.additionalProperties, () => this.msg(this.n.additional.schema, () => this.schema(ap)));
    } else if (typeof o.additionalProperties === 'boolean') {
      const ap = o.additionalProperties;
      this.msg(s.additionalProperties, () => {
        if (this.n.additional.boolean !== undefined) this.w.tag(this.n.additional.boolean, WireType.Varint).bool(ap);
      });
    }
    if (typeof o.type === 'string') this.msg(s.type, () => this.str(this.n.typeItem.value, o.type));
    if (isObject(o.items)) {
      const items = o.items;
      this.msg(s.items, () => this.msg(this.n.itemsItem.schema, () => this.schema(items)));
    }
    for (const a of objectsOf(o.allOf)) this.msg(s.allOf, () => this.schema(a));
    if (isObject(o.properties)) {
      const props = entriesOf(o.properties);
      this.msg(s.properties, () => {
        for (const [name, p] of props) this.named(this.n.properties.additionalProperties, name, () => this.schema(p));
      });
    }
    this.bool(s.readOnly, o.readOnly);
    this.extensions(s.vendorExtension, o);
  }

  private parameter(p: JsonObject): void {
    const n = this.n;
    this.msg(n.parametersItem.parameter, () => {
      if (p.in === 'body') {
        this.msg(n.parameter.bodyParameter, () => {
          this.str(n.body.description, p.description);
          this.str(n.body.name, p.name);
          this.str(n.body.in, p.in);
          this.bool(n.body.required, p.required);
          if (isObject(p.schema)) {
            const schema = p.schema;
            this.msg(n.body.schema, () => this.schema(schema));
          }
          this.extensions(n.body.vendorExtension, p);
        });
        return;
      }
      const which = p.in === 'path' ? n.nonBody.pathParameterSubSchema : p.in === 'header' ? n.nonBody.headerParameterSubSchema : n.nonBody.queryParameterSubSchema;
      const sub = p.in === 'path' ? n.path : p.in === 'header' ? n.header : n.query;
      this.msg(n.parameter.nonBodyParameter, () =>
        this.msg(which, () => {
          this.bool(sub.required, p.required);
          this.str(sub.in, p.in);
          this.str(sub.description, p.description);
          this.str(sub.name, p.name);
          this.str(sub.type, p.type);
          this.str(sub.format, p.format);
          this.bool(sub.uniqueItems, p.uniqueItems);
        }),
      );
    });
  }

  private operation(o: JsonObject): void {
    const op = this.n.operation;
    this.strs(op.tags, o.tags);
    this.str(op.summary, o.summary);
    this.str(op.description, o.description);
    this.str(op.operationId, o.operationId);
    this.strs(op.produces, o.produces);
    this.strs(op.consumes, o.consumes);
    for (const p of objectsOf(o.parameters)) this.msg(op.parameters, () => this.parameter(p));
    const responses = entriesOf(o.responses);
    this.msg(op.responses, () => {
      for (const [code, r] of responses) {
        this.named(this.n.responses.responseCode, code, () =>
          this.msg(this.n.responseValue.response, () => {
            this.str(this.n.response.description, r.description);
            if (isObject(r.schema)) {
              const schema = r.schema;
              this.msg(this.n.response.schema, () => this.msg(this.n.schemaItem.schema, () => this.schema(schema)));
            }
          }),
        );
      }
    });
    this.strs(op.schemes, o.schemes);
    this.extensions(op.vendorExtension, o);
  }

  private pathItem(o: JsonObject): void {
    const pi = this.n.pathItem;
    for (const m of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch']) {
      const op = o[m];
      if (isObject(op)) this.msg(pi[m], () => this.operation(op));
    }
    for (const p of objectsOf(o.parameters)) this.msg(pi.parameters, () => this.parameter(p));
    this.extensions(pi.vendorExtension, o);
  }

  document(doc: JsonObject): Uint8Array<ArrayBuffer> {
    const d = this.n.doc;
    this.str(d.swagger, doc.swagger);
    if (isObject(doc.info)) {
      const info = doc.info;
      this.msg(d.info, () => {
        this.str(this.n.info.title, info.title);
        this.str(this.n.info.version, info.version);
        this.str(this.n.info.description, info.description);
      });
    }
    const paths = entriesOf(doc.paths);
    this.msg(d.paths, () => {
      for (const [name, item] of paths) this.named(this.n.paths.path, name, () => this.pathItem(item));
    });
    const definitions = entriesOf(doc.definitions);
    this.msg(d.definitions, () => {
      for (const [name, def] of definitions) this.named(this.n.definitions.additionalProperties, name, () => this.schema(def));
    });
    for (const req of objectsOf(doc.security)) {
      this.msg(d.security, () => {
        for (const [name, scopes] of Object.entries(req)) {
          this.named(this.n.requirement.additionalProperties, name, () => this.strs(this.n.stringArray.value, scopes));
        }
      });
    }
    const schemes = entriesOf(doc.securityDefinitions).filter(([, s]) => s.type === 'apiKey');
    if (schemes.length) {
      this.msg(d.securityDefinitions, () => {
        for (const [name, s] of schemes) {
          this.named(this.n.security.additionalProperties, name, () =>
            this.msg(this.n.securityItem.apiKeySecurity, () => {
              this.str(this.n.apiKey.type, s.type);
              this.str(this.n.apiKey.name, s.name);
              this.str(this.n.apiKey.in, s.in);
              this.str(this.n.apiKey.description, s.description);
            }),
          );
        }
      });
    }
    this.extensions(d.vendorExtension, doc);
    return this.w.finish();
  }
}

let gnostic: Gnostic | undefined;

/** The protobuf encoding of an OpenAPI v2 JSON document, as kube-apiserver serves it. */
export async function encodeOpenApiV2(doc: JsonObject): Promise<Uint8Array<ArrayBuffer>> {
  gnostic ??= await import('../generated/openapi/openapiv2/OpenAPIv2_pb.js');
  layout ??= layoutOf(gnostic);
  return new Encoder(layout).document(doc);
}
