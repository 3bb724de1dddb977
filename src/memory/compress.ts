/**
 * The compression utilities of the memory engine (pure, deterministic, no LLM).
 * Each lives in its own module; this file is the one import point.
 */
export { compressConversation, type CompressedConversation } from './compress-conversation.js';
export { createSnippet, type Snippet } from './snippet.js';
export { compressProjectState, type ProjectStateInput } from './project-state.js';
export { extractDecisions, isDecisionSentence, guessDecisionType, guessImpact, type ExtractedDecision, type DecisionImpact } from './decisions.js';
export { mergeContexts, type MergeItem, type MergedItem } from './merge.js';
export { compressFileChanges, type FileChange, type FileChangeKind } from './file-changes.js';
export { dropFiller, splitSentences } from './filler.js';
