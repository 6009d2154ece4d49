export { buildSbom, serializeSbom, contentSerial, countComponents } from './build';
export { parseTrivyCycloneDx } from './trivy';
export { imageSbom, trivyImageSbomArgv } from './image';
export { writeSbom, timestampFrom } from './write';
export type { WriteSbomOptions, WriteSbomResult } from './write';
export type { ForeignComponent, ImageSbom, SbomInput, SbomOptions, SpecVersion } from './types';
