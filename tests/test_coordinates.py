"""The Brandes-Koepf kernels (groggy/_core/_hier.pyx: mark_conflicts, align_blocks,
compact_blocks) on hypothesis-made proper layered graphs, against brute force: blocks
follow edges between consecutive layers and never cross, each block is one vertical
line, layer neighbours stay ``spacing`` apart, and packing without classes is the
longest path over the blocks' left-of relation."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from groggy import kernels
from groggy._core import _hier
from groggy.viz.coordinates import _neighbours, _Scratch, brandes_koepf_x

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True)


@st.composite
def layered(draw):
    """(group_ptr, nodes, pos, upper, lower, n_real): layers of 1-6 nodes, edges only
    between consecutive layers; nodes from n_real on count as dummies."""
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=6))
    group_ptr = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    total = int(group_ptr[-1])
    perm = np.array(draw(st.permutations(range(total))), dtype=np.int64)
    nodes = perm                                      # node ids in layer order, shuffled
    pos = np.empty(total, dtype=np.int64)
    group = np.repeat(np.arange(len(sizes)), sizes)
    pos[nodes] = np.arange(total) - group_ptr[group]
    pairs = set()
    for g in range(len(sizes) - 1):
        above = nodes[group_ptr[g]:group_ptr[g + 1]]
        below = nodes[group_ptr[g + 1]:group_ptr[g + 2]]
        for _ in range(draw(st.integers(0, 10))):
            pairs.add((int(draw(st.sampled_from(above))), int(draw(st.sampled_from(below)))))
    upper = np.array([a for a, _ in sorted(pairs)], dtype=np.int64)
    lower = np.array([b for _, b in sorted(pairs)], dtype=np.int64)
    n_real = draw(st.integers(0, total))
    return group_ptr, nodes, pos, upper, lower, n_real


def blocks_of(root):
    out = {}
    for v, r in enumerate(root.tolist()):
        out.setdefault(r, []).append(v)
    return out


@SETTINGS
@given(layered(), st.floats(0.5, 3))
def test_alignment_and_compaction_against_brute_force(case, spacing):
    group_ptr, nodes, pos, upper, lower, n_real = case
    total = pos.size
    layer_of = np.empty(total, dtype=np.int64)
    for g in range(group_ptr.size - 1):
        layer_of[nodes[group_ptr[g]:group_ptr[g + 1]]] = g
    up_ptr, up_idx, up_edge = kernels.build_csr(lower, upper, total, both_ways=False)
    order = np.lexsort((pos[up_idx], np.repeat(np.arange(total), np.diff(up_ptr))))
    marked = np.zeros(up_idx.size, dtype=np.uint8)
    _hier.mark_conflicts(group_ptr, nodes, pos, up_ptr, up_idx, n_real, marked)
    scratch = _Scratch(total)
    _hier.align_blocks(group_ptr, nodes, pos, False, up_ptr, up_idx[order], marked[order],
                       scratch.root, scratch.align)
    root, edges = scratch.root, set(zip(upper.tolist(), lower.tolist()))
    blocks = blocks_of(root)
    for r, members in blocks.items():
        members.sort(key=lambda v: layer_of[v])
        assert members[0] == r                       # the root is the block's top
        for a, b in zip(members, members[1:]):       # consecutive layers, along edges
            assert layer_of[b] == layer_of[a] + 1 and (a, b) in edges
    for a in blocks.values():                        # no two blocks cross
        for b in blocks.values():
            common = {layer_of[v] for v in a} & {layer_of[v] for v in b}
            sides = {np.sign(pos[[v for v in a if layer_of[v] == k][0]] -
                             pos[[v for v in b if layer_of[v] == k][0]]) for k in common}
            assert len(sides) <= 1
    left, right = _neighbours(nodes, group_ptr)
    for classes in (True, False):
        x = scratch.compact(nodes, group_ptr, spacing) if classes else np.empty(total)
        if not classes:
            assert _hier.compact_blocks(root, scratch.align, left, right, spacing, False, x,
                                        *scratch.ints[:1], scratch.floats[0],
                                        *scratch.ints[1:3], scratch.edge_ptr,
                                        scratch.ints[3], scratch.floats[1])
        for members in blocks.values():
            assert np.ptp(x[members]) == 0            # one vertical line per block
        has_left = left >= 0
        assert (x[has_left] - x[left[has_left]] >= spacing - 1e-9).all()
    # without classes: the longest path from the left, computed by relaxation
    want = {r: 0.0 for r in blocks}
    for _ in range(total + 1):
        for v in np.flatnonzero(has_left):
            want[root[v]] = max(want[root[v]], want[root[left[v]]] + spacing)
    assert np.allclose(x, [want[r] for r in root])


@SETTINGS
@given(layered(), st.floats(0.5, 3))
def test_balanced_drawing_keeps_order_and_spacing(case, spacing):
    group_ptr, nodes, pos, upper, lower, n_real = case
    x = brandes_koepf_x(group_ptr, nodes, pos, upper, lower, n_real,
                        np.zeros(pos.size, dtype=np.int64), spacing)
    for g in range(group_ptr.size - 1):
        row = x[nodes[group_ptr[g]:group_ptr[g + 1]]]
        assert (np.diff(row) >= spacing - 1e-9).all()
