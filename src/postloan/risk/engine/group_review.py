"""Group customers (集团客户, 第七条): one member non-performing does not downgrade the
others by itself, but opens a review task for every other member on the book."""

from __future__ import annotations

from postloan.risk.engine.context import Ctx


def build(ctx: Ctx) -> None:
    ctx.table(
        "eng_review_tasks",
        """
        WITH npl_members AS (
            SELECT b.group_id, c.customer_id,
                   list(c.loan_id ORDER BY c.loan_id) AS npl_loans
            FROM eng_loan_classification c JOIN eng_borrowers b USING (customer_id)
            WHERE b.group_id IS NOT NULL AND class_ord(c.suggested_class) >= 2
            GROUP BY b.group_id, c.customer_id
        )
        SELECT m.customer_id, n.group_id, n.customer_id AS trigger_customer_id,
               CAST(to_json({'npl_loans': n.npl_loans}) AS VARCHAR) AS evidence,
               format('同一集团（{}）成员 {} 的借据 {} 建议为不良，请复核本客户（第七条）',
                      n.group_id, n.customer_id, array_to_string(n.npl_loans, '、'))
                   AS reason_zh
        FROM npl_members n JOIN eng_borrowers m
          ON m.group_id = n.group_id AND m.customer_id <> n.customer_id
        ORDER BY m.customer_id, n.customer_id
        """,
    )
