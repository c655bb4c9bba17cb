/**
 * Builds an ONNX graph (nodes, initialisers, typed inputs/outputs) and serialises the ModelProto.
 * The schema below is the subset of onnx.proto this converter writes; field numbers follow onnx.proto.
 */
import protobuf from 'protobufjs';

const ONNX_SCHEMA = {
  nested: {
    ModelProto: {
      fields: {
        irVersion: { type: 'int64', id: 1 },
        producerName: { type: 'string', id: 2 },
        producerVersion: { type: 'string', id: 3 },
        docString: { type: 'string', id: 6 },
        graph: { type: 'GraphProto', id: 7 },
        opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
      },
    },
    OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
    GraphProto: {
      fields: {
        node: { rule: 'repeated', type: 'NodeProto', id: 1 },
        name: { type: 'string', id: 2 },
        initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
        input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
        output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
      },
    },
    NodeProto: {
      fields: {
        input: { rule: 'repeated', type: 'string', id: 1 },
        output: { rule: 'repeated', type: 'string', id: 2 },
        name: { type: 'string', id: 3 },
        opType: { type: 'string', id: 4 },
        attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
      },
    },
    AttributeProto: {
      fields: {
        name: { type: 'string', id: 1 },
        i: { type: 'int64', id: 3 },
        s: { type: 'bytes', id: 4 },
        ints: { rule: 'repeated', type: 'int64', id: 8 },
        type: { type: 'int32', id: 20 },
      },
    },
    TensorProto: {
      fields: {
        dims: { rule: 'repeated', type: 'int64', id: 1 },
        dataType: { type: 'int32', id: 2 },
        name: { type: 'string', id: 8 },
        rawData: { type: 'bytes', id: 9 },
      },
    },
    ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
    TypeProto: { fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } } },
    TypeProtoTensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
    TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
    Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
  },
};

export const ModelProto = protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType('ModelProto');

/** TensorProto.DataType values used here. */
export const FLOAT = 1;
export const UINT8 = 2;
const INT64 = 7;

/** AttributeProto.AttributeType values. */
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

/** A dimension: a fixed size, a named free size, or unknown (null). */
export type Dim = number | string | null;
export type Attrs = Record<string, number | number[] | string>;

interface Encoded { [key: string]: unknown }

export class OnnxGraphBuilder {
  private readonly nodes: Encoded[] = [];
  private readonly initializers: Encoded[] = [];
  private readonly inputs: Encoded[] = [];
  private readonly outputs: Encoded[] = [];

  /** Raw little-endian bytes: every platform Node ships for is little-endian, as ONNX raw_data requires. */
  floatTensor(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  }

  int64Tensor(name: string, dims: number[], values: number[]): string {
    const data = BigInt64Array.from(values, BigInt);
    this.initializers.push({ name, dims, dataType: INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  node(opType: string, inputs: string[], output: string, attrs: Attrs = {}): string {
    const attribute = Object.entries(attrs).map(([name, v]) =>
      typeof v === 'string' ? { name, type: ATTR_STRING, s: Buffer.from(v) }
        : Array.isArray(v) ? { name, type: ATTR_INTS, ints: v }
          : { name, type: ATTR_INT, i: v });
    this.nodes.push({ opType, name: output, input: inputs, output: [output], attribute });
    return output;
  }

  input(name: string, elemType: number, dims: Dim[]): void {
    this.inputs.push(valueInfo(name, elemType, dims));
  }

  output(name: string, elemType: number, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  serialise(meta: { graphName: string; opset: number; irVersion: number; producer: string; version: string; doc: string }): Uint8Array {
    return ModelProto.encode({
      irVersion: meta.irVersion,
      producerName: meta.producer,
      producerVersion: meta.version,
      docString: meta.doc,
      opsetImport: [{ domain: '', version: meta.opset }],
      graph: { name: meta.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    }).finish();
  }
}

function valueInfo(name: string, elemType: number, dims: Dim[]): Encoded {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {}));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
