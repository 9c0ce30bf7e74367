"""The JSON API's shapes, for the OpenAPI schema only: responses are rendered by ``publish/api.py``.

They describe the real "Every Day" ``api/news/index.json`` (``page``,
``value``, ``nextPage``) and newsdesk's addition to each entry (``related``).
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class ImageModel(BaseModel):
    #: Absolute http(s); a record's relative URL is resolved against its outlet or article; null when no such
    #: URL can be made of it (``javascript:``, ``data:``).
    url: str | None
    width: int | None
    height: int | None
    title: str | None
    attribution: str | None
    isCached: bool


class ProviderModel(BaseModel):
    name: str
    domain: str | None
    images: list[ImageModel] | None
    publishers: None
    authors: None


class ArticleModel(BaseModel):
    """One outlet's article (a story's primary fields, or one of its related)."""

    title: str
    excerpt: str | None
    sourceUrl: None
    webUrl: str | None
    originalUrl: str | None
    featuredContent: str | None
    highlight: None
    quality: int | None
    images: list[ImageModel] | None
    type: str = Field(description="article or video")
    ampWebUrl: str | None
    cdnAmpWebUrl: str | None
    publishedDateTime: str = Field(description="ISO 8601, UTC")
    updatedDateTime: None
    provider: ProviderModel | None


class StoryModel(BaseModel):
    """A published story: the primary article's fields, the story's own, and its coverage."""

    path: str = Field(description="The story's record in the content tree, _news/<slug>.md")
    title: str
    excerpt: str | None
    sourceUrl: None
    webUrl: str | None
    originalUrl: str | None
    featuredContent: str | None
    highlight: None
    heat: int | None = Field(description="How hot the story is (-1: not judged yet)")
    tags: None
    images: list[ImageModel] | None
    content: str
    type: str
    ampWebUrl: str | None
    cdnAmpWebUrl: str | None
    publishedDateTime: str
    updatedDateTime: None
    provider: ProviderModel | None
    locale: str = Field(description="The story's language (its primary article's) where known, else the site's locale")
    categories: list[str]
    topics: list[str]
    quality: int | None
    related: list[ArticleModel] = Field(description="Every other outlet's coverage, in order")


class NewsPageModel(BaseModel):
    """One page of published stories, newest first."""

    page: int
    value: list[StoryModel]
    nextPage: int | None = Field(description="The next page's number; null on the last page")


class StoryDetailModel(StoryModel):
    slug: str
    url: str = Field(description="The story's page on the site")


class TopicModel(BaseModel):
    id: str
    name: str
    parent: str | None
    shortname: str | None
    url: str
    api: str


class ErrorModel(BaseModel):
    detail: str
