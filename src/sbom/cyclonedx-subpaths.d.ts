// The CycloneDX library's subpath exports, for TypeScript's "node" module resolution (which does
// not read package.json "exports"). Importing the parts we use, not the package root, keeps its
// validators out of start-up.
declare module '@cyclonedx/cyclonedx-library/Enums' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/enums/index';
}
declare module '@cyclonedx/cyclonedx-library/Models' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/models/index';
}
declare module '@cyclonedx/cyclonedx-library/Serialize' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/serialize/index.node';
}
declare module '@cyclonedx/cyclonedx-library/SPDX' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/spdx';
}
declare module '@cyclonedx/cyclonedx-library/Spec' {
  export * from '@cyclonedx/cyclonedx-library/dist.d/spec/index';
}
