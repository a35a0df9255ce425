export { interestVector, multiInterest, recommend, moreLikeThis, type HistoryItem, type InterestOptions, type Interest, type RecommendOptions, type Recommendation } from './interests';
export { trainSemanticIds, formatSemanticId, SemanticIdCodebook, SemanticIdIndex, type SemanticId, type SemanticIdTrainOptions, type CodebookJson } from './semantic-ids';
export { kmeans, kmeansAsync, type KMeansResult, type KMeansOptions } from './kmeans';
export { RecommendError, type RecommendErrorCode } from './errors';
export type { VectorLookup } from './lookup';
