"""A producer's own account: its statements and what is still owed to its households."""

from flask import current_app, render_template, request
from flask_login import current_user

from app.accounts.access import role_required
from app.domain import roles
from app.settlement import bp, queries
from app.settlement.scope import scope_of


@bp.get("/producer/statements")
@role_required(roles.PRODUCER)
def producer_statements():
    page = queries.statements(scope_of(current_user), request.args.get("page", 1, type=int))
    return render_template("settlement/producer_statements.html", page=page)


@bp.get("/producer/statements/<int:statement_id>")
@role_required(roles.PRODUCER)
def producer_statement(statement_id: int):
    statement, lines = queries.statement_with_lines(
        statement_id, scope_of(current_user), current_app.config["PAYOUT_DUE_DAYS"]
    )
    return render_template("settlement/statement.html", statement=statement, lines=lines, staff=False)
