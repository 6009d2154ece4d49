"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/errors.ts
var errors_exports = {};
__export(errors_exports, {
  ChaingateError: () => ChaingateError,
  ConfigError: () => ConfigError,
  LockfileError: () => LockfileError,
  ReportError: () => ReportError,
  ToolError: () => ToolError,
  UsageError: () => UsageError,
  describeInternalError: () => describeInternalError,
  isUserError: () => isUserError,
  where: () => where
});
module.exports = __toCommonJS(errors_exports);
var ChaingateError = class extends Error {
  constructor(code, message, file, line, column) {
    super(message);
    this.code = code;
    this.file = file;
    this.line = line;
    this.column = column;
    this.name = "ChaingateError";
  }
  code;
  file;
  line;
  column;
};
function where(file, line, column) {
  if (!file) return "";
  if (line === void 0) return `${file}: `;
  return column === void 0 ? `${file}:${line}: ` : `${file}:${line}:${column}: `;
}
var ConfigError = class extends ChaingateError {
  constructor(message, file, line, column, code = "CONFIG_INVALID") {
    super(code, `${where(file, line, column)}${message}`, file, line, column);
    this.name = "ConfigError";
  }
};
var UsageError = class extends ChaingateError {
  constructor(message) {
    super("USAGE", message);
    this.name = "UsageError";
  }
};
var ReportError = class extends ChaingateError {
  constructor(message, file, line) {
    super("REPORT_INVALID", `${where(file, line)}${message}`, file, line);
    this.name = "ReportError";
  }
};
var LockfileError = class extends ChaingateError {
  constructor(message, file, line, column) {
    super("LOCKFILE_INVALID", `${where(file, line, column)}${message}`, file, line, column);
    this.name = "LockfileError";
  }
};
var ToolError = class extends ChaingateError {
  constructor(tool, message) {
    super("TOOL_FAILED", message);
    this.tool = tool;
    this.name = "ToolError";
  }
  tool;
};
function isUserError(e) {
  return e instanceof ChaingateError;
}
function describeInternalError(e) {
  if (!(e instanceof Error)) return `a thrown ${e === null ? "null" : typeof e}`;
  const frames = (e.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
  return [e.name, ...frames].join("\n");
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  ChaingateError,
  ConfigError,
  LockfileError,
  ReportError,
  ToolError,
  UsageError,
  describeInternalError,
  isUserError,
  where
});
