"""The /v1/portfolio routes and the /portfolio page: convert requests, call the portfolio service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.responses import JSONResponse, Response

from bot.api.deps import current_owner
from bot.api.web import add_page
from bot.portfolio.service import Filters, Portfolio

Owner = Annotated[str, Depends(current_owner)]
PersonFilter = Annotated[
    str | None, Query(max_length=200, description="Part of the business owner's or sponsor's name.")
]
VerdictFilter = Annotated[str | None, Query(max_length=64, description="Only pilots with this verdict.")]
StalledFilter = Annotated[bool | None, Query(description="Only stalled pilots (true) or only moving ones (false).")]


def build_router(service: Portfolio) -> APIRouter:
    """The /v1/portfolio routes over one portfolio service."""
    r = APIRouter(prefix="/v1", tags=["portfolio"])

    @r.get("/portfolio", response_class=JSONResponse, responses={200: {"content": {"application/json": {}}}})
    def portfolio(key: Owner, owner: PersonFilter = None, verdict: VerdictFilter = None,
                  stalled: StalledFilter = None) -> JSONResponse:  # fmt: skip
        """Every pilot of this key: stage, verdict, level per area, open gaps, stalls, reviews; plus aggregates."""
        # already JSON values: returned as is, not walked again by FastAPI's encoder (~half the time at 500 pilots)
        return JSONResponse(service.view(key, Filters(owner, verdict, stalled)).to_dict())

    @r.get("/portfolio.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
    def portfolio_csv(key: Owner, owner: PersonFilter = None, verdict: VerdictFilter = None,
                      stalled: StalledFilter = None) -> Response:  # fmt: skip
        """The same pilots as CSV, one row each (levels per area last)."""
        body = service.csv(key, Filters(owner, verdict, stalled))
        disposition = {"Content-Disposition": 'attachment; filename="portfolio.csv"'}
        return Response(body, media_type="text/csv; charset=utf-8", headers=disposition)

    return r


def mount_portfolio(app: FastAPI, service: Portfolio) -> None:
    """Add the portfolio API and page to the app."""
    app.include_router(build_router(service))
    add_page(app, "/portfolio", "portfolio.html")  # its script is served from /static/portfolio.js
