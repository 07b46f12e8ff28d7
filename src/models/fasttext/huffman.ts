/**
 * Hierarchical softmax tree (fastText's HierarchicalSoftmaxLoss::buildTree): a Huffman tree over
 * label frequencies, so frequent labels have short paths. Internal node i (0-based) is output row i.
 */
export interface LabelTree {
  /** CSR over labels: the internal nodes from the label's parent up to the root, and the branch taken. */
  pathOffsets: Int32Array;
  pathNodes: Int32Array;
  pathCodes: Uint8Array;
}

export function buildLabelTree(labelCounts: ArrayLike<number>): LabelTree {
  const K = labelCounts.length;
  // fastText builds over labels sorted by count, descending; stable sort keeps ties in label order.
  const byCount = Array.from({ length: K }, (_, i) => i).sort((a, b) => labelCounts[b] - labelCounts[a] || a - b);
  const nodes = Math.max(1, 2 * K - 1);
  const count = new Float64Array(nodes).fill(1e15);
  const parent = new Int32Array(nodes).fill(-1);
  const binary = new Uint8Array(nodes);
  for (let i = 0; i < K; i++) count[i] = labelCounts[byCount[i]];
  let leaf = K - 1;
  let node = K;
  for (let i = K; i < 2 * K - 1; i++) {
    const mini = [0, 0];
    for (let j = 0; j < 2; j++) mini[j] = leaf >= 0 && count[leaf] < count[node] ? leaf-- : node++;
    count[i] = count[mini[0]] + count[mini[1]];
    parent[mini[0]] = i;
    parent[mini[1]] = i;
    binary[mini[1]] = 1;
  }
  const paths: number[][] = new Array(K);
  const codes: number[][] = new Array(K);
  for (let i = 0; i < K; i++) {
    const path: number[] = [];
    const code: number[] = [];
    for (let j = i; parent[j] !== -1; j = parent[j]) {
      path.push(parent[j] - K);
      code.push(binary[j]);
    }
    paths[byCount[i]] = path;
    codes[byCount[i]] = code;
  }
  const pathOffsets = new Int32Array(K + 1);
  for (let k = 0; k < K; k++) pathOffsets[k + 1] = pathOffsets[k] + paths[k].length;
  return { pathOffsets, pathNodes: Int32Array.from(paths.flat()), pathCodes: Uint8Array.from(codes.flat()) };
}
