"""Grouping speaker embeddings into voices with speechbrain's spectral clustering, up to a maximum count.

speechbrain's `Spec_Clust_unorm` builds the pruned cosine affinity, its Laplacian and the spectral
embedding, and estimates the count from the largest eigengap. Three details are handled here: its
estimator looks at eigenvalues 1..max-1 only, so it is given max+1 to be able to answer `max`; it never
answers one speaker, and on few windows it undercounts, so the count is checked against how alike the
clusters' voices are; and its k-means is unseeded, so k-means runs here with a fixed seed (same audio,
same labels).
"""

from __future__ import annotations

import warnings

import numpy as np

# Each row of the affinity keeps its most similar share of neighbours (speechbrain's p-pruning).
_PRUNE_SHARE = 0.3
_MIN_NEIGHBOURS = 4
_LONE_ALLOWANCE = 0.08
# A voice beyond the eigengap's count must stand further apart than the merge step asks: halves of one
# voice averaged 0.70-0.75 to each other on the dev set (max 5 or 10 then found 3-4 voices for 2-3).
_SPLIT_MARGIN = 0.05
# About 50 minutes of speech in 2 s windows; eigh of a 1500 x 1500 affinity took 3.9 CPU s here.
MAX_CLUSTERED = 1500


def cluster_embeddings(
    embeddings: np.ndarray,
    max_speakers: int,
    merge_similarity: float,
    reliable: np.ndarray | None = None,
) -> np.ndarray:
    """A cluster index per embedding row, 0..k-1 with k <= max_speakers.

    Rows not `reliable` (embeddings of short speech, whose similarity to their own voice drops to
    0.5-0.6) cannot found a voice: they join the voice they are most like once the others are grouped.
    """
    count = len(embeddings)
    if count == 0:
        return np.zeros(0, dtype=int)
    if max_speakers == 1 or count == 1:
        return np.zeros(count, dtype=int)
    trusted = np.ones(count, dtype=bool) if reliable is None else np.asarray(reliable, dtype=bool)
    if trusted.sum() < 2:
        trusted = np.ones(count, dtype=bool)
    if trusted.sum() > MAX_CLUSTERED:
        # The affinity's eigendecomposition is cubic in the windows: a long recording is clustered on
        # an even sample of its windows (every one of them still gets the voice it is most like).
        keep = np.flatnonzero(trusted)[np.linspace(0, trusted.sum() - 1, MAX_CLUSTERED).astype(int)]
        trusted = np.zeros(count, dtype=bool)
        trusted[keep] = True
    core = embeddings[trusted]
    if len(core) <= max_speakers + 1:
        # Too few points for a spectral embedding of that size: join greedily by similarity.
        core_labels = np.arange(len(core))
    else:
        core_labels = _spectral(core, max_speakers, merge_similarity)
    core_labels = _refine(core, _merge_alike(core, core_labels, merge_similarity, max_speakers))
    labels = np.zeros(count, dtype=int)
    labels[trusted] = core_labels
    rest = np.flatnonzero(~trusted)
    if len(rest):
        ids = sorted(set(core_labels.tolist()))
        similarity = embeddings[rest] @ core.T
        likeness = np.stack([similarity[:, core_labels == i].mean(axis=1) for i in ids], axis=1)
        labels[rest] = np.asarray(ids)[np.argmax(likeness, axis=1)]
    return labels


def _spectral(embeddings: np.ndarray, max_speakers: int, merge_similarity: float) -> np.ndarray:
    """Spectral clustering; k from the eigengap, raised while the extra cluster is a voice of its own.

    On a few dozen windows the eigengap alone often answers 2 for three voices, so each k from the
    estimate up to the maximum is tried and the largest whose clusters are all distinct voices wins.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from speechbrain.integrations.alignment.diarization import Spec_Clust_unorm

    count = len(embeddings)
    clusterer = Spec_Clust_unorm(min_num_spkrs=2, max_num_spkrs=max_speakers + 1)
    similarity = clusterer.get_sim_mat(embeddings)
    share = max(_PRUNE_SHARE, min(1.0, _MIN_NEIGHBOURS / count))
    pruned = clusterer.p_pruning(similarity.copy(), share)
    laplacian = clusterer.get_laplacian(0.5 * (pruned + pruned.T))
    top = min(max_speakers, count - 1)
    spectral, _ = clusterer.get_spec_embs(laplacian, top)
    estimate = int(clusterer.get_spec_embs(laplacian, None)[1])
    best = _kmeans(spectral[:, : max(2, min(estimate, top))])
    for k in range(max(2, min(estimate, top)) + 1, top + 1):
        labels = _kmeans(spectral[:, :k])
        if _closest_pair(similarity, labels)[0] >= merge_similarity - _SPLIT_MARGIN:
            break
        best = labels
    return best


def _kmeans(spectral: np.ndarray) -> np.ndarray:
    from sklearn.cluster import KMeans

    labels: np.ndarray = KMeans(n_clusters=spectral.shape[1], n_init=10, random_state=0).fit_predict(spectral)
    return labels


def _closest_pair(similarity: np.ndarray, labels: np.ndarray) -> tuple[float, tuple[int, int]]:
    """The two clusters whose members are most alike on average (cosine), and that mean.

    Mean over member pairs, not between centroids: a centroid of many windows is smoother than any
    window, so centroid similarity overstates how alike two voices are.
    """
    ids = sorted(set(labels.tolist()))
    best, pair = -np.inf, (ids[0], ids[-1])
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            between = float(similarity[np.ix_(labels == a, labels == b)].mean())
            if between > best:
                best, pair = between, (a, b)
    return best, pair


def _merge_alike(embeddings: np.ndarray, labels: np.ndarray, threshold: float, max_speakers: int) -> np.ndarray:
    """Join the two most alike clusters while they sound like one voice or there are too many.

    A one-window cluster must be further from the others to stand alone: a single window's mean
    similarity to the rest of its own voice was measured as low as 0.66 (clusters of several windows:
    at least 0.72 between two of one voice, at most 0.725 between two voices).
    """
    labels = labels.copy()
    similarity = embeddings @ embeddings.T
    while len(set(labels.tolist())) > 1:
        best, (a, b) = _closest_pair(similarity, labels)
        lone = min((labels == a).sum(), (labels == b).sum()) == 1
        bar = threshold - _LONE_ALLOWANCE if lone else threshold
        if best < bar and len(set(labels.tolist())) <= max_speakers:
            lone_pair = _closest_lone(similarity, labels)
            if lone_pair is None or lone_pair[0] < threshold - _LONE_ALLOWANCE:
                break
            _, (a, b) = lone_pair
        labels[labels == b] = a
    return _renumber(labels)


def _closest_lone(similarity: np.ndarray, labels: np.ndarray) -> tuple[float, tuple[int, int]] | None:
    """The one-window cluster most like another cluster, and that likeness."""
    ids = sorted(set(labels.tolist()))
    best: tuple[float, tuple[int, int]] | None = None
    for lone in (i for i in ids if (labels == i).sum() == 1):
        for other in ids:
            if other == lone:
                continue
            value = float(similarity[np.ix_(labels == other, labels == lone)].mean())
            if best is None or value > best[0]:
                best = (value, (other, lone))
    return best


def _refine(embeddings: np.ndarray, labels: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Move each window to the voice its windows are most like on average (itself left out).

    Spectral k-means on a few dozen windows sometimes puts a window with a small cluster it barely
    resembles (seen: two clinician windows at 0.53 to the patient's, 0.78 to the clinician's).
    """
    similarity = embeddings @ embeddings.T
    np.fill_diagonal(similarity, np.nan)
    for _ in range(rounds):
        ids = sorted(set(labels.tolist()))
        if len(ids) < 2:
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a one-window voice has no other member
            likeness = np.stack([np.nanmean(similarity[:, labels == i], axis=1) for i in ids], axis=1)
        likeness = np.nan_to_num(likeness, nan=-1.0)
        moved = np.asarray(ids)[np.argmax(likeness, axis=1)]
        # A window alone in its voice stays: moving it would erase a voice the merge step kept.
        lone = np.array([(labels == label).sum() == 1 for label in labels])
        moved[lone] = labels[lone]
        if (moved == labels).all():
            break
        labels = moved
    return _renumber(labels)


def _renumber(labels: np.ndarray) -> np.ndarray:
    order: dict[int, int] = {}
    for label in labels.tolist():
        order.setdefault(label, len(order))
    return np.array([order[label] for label in labels.tolist()], dtype=int)
