/**
 * The parts of the WebAssembly JavaScript API this package uses. The workspace compiles against
 * lib ES2023 without DOM, and @types/node declares only a fragment of the namespace.
 */
declare global {
  namespace WebAssembly {
    interface MemoryDescriptor {
      initial: number;
      maximum?: number;
      shared?: boolean;
    }
    class Memory {
      constructor(descriptor: MemoryDescriptor);
      readonly buffer: ArrayBuffer;
      grow(deltaPages: number): number;
    }
    class Module {
      constructor(bytes: ArrayBufferView | ArrayBuffer);
    }
    function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
    class Instance {
      constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
  }
}

export {};
