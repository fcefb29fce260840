"""Keeping the organisation tree's materialised paths right."""

from postloan.org.models import Branch


def rebuild_paths() -> int:
    """Recompute every branch's path from its parent chain (the tree is small: hundreds of rows)."""
    parents = dict(Branch.objects.values_list("branch_code", "parent_id"))
    paths: dict[str, str] = {}

    def path_of(code: str, seen: tuple[str, ...] = ()) -> str:
        if code in paths:
            return paths[code]
        if code in seen:
            raise ValueError(f"机构树存在循环：{' → '.join(seen + (code,))}")
        parent = parents.get(code)
        prefix = path_of(parent, seen + (code,)) if parent else "/"
        paths[code] = f"{prefix}{code}/"
        return paths[code]

    changed = []
    for branch in Branch.objects.only("branch_code", "path"):
        new_path = path_of(branch.branch_code)
        if branch.path != new_path:
            branch.path = new_path
            changed.append(branch)
    Branch.objects.bulk_update(changed, ["path"], batch_size=500)
    return len(changed)
