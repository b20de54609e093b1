export { DEAD_LETTER_PARTITIONS, deleteTopics, namespaceTopics, setupTopics, topicSpecs, waitForReplicas } from './topics.js';
export type { TopicSettings, TopicSetupResult } from './topics.js';
export { namespacedTemplates, namespaceTemplate, readIndexTemplate, templateName, TEMPLATE_NAMESPACE, TEMPLATES_DIR } from './index-templates.js';
export type { IndexSettings, IndexTemplate } from './index-templates.js';
export { deleteIndices, indicesGreen, namespaceIndices, setReplicas, setupIndices } from './indices.js';
export type { IndexSetupResult } from './indices.js';
export { teardown } from './teardown.js';
export { runSetup } from './run-setup.js';
export type { SetupResult } from './run-setup.js';
