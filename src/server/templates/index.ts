// The template machinery's public surface for the server (provisioner, API):
// load templates from a directory plus the built-ins, render one for a build.
export { errorMessage, TemplateError, type TemplateErrorCode } from './errors.js';
export { loadTemplateFile, loadTemplates, TEMPLATE_EXTENSIONS, templateFileName, type Template, type TemplateFunction } from './loader.js';
export { builtinTemplateFiles, packageRoot } from './package-root.js';
export { renderTemplate } from './render.js';
