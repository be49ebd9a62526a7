"""A Facebook page the client owns, through the Graph API: the feed and the ratings (both, for a bare page)."""

from spiders.base import SourceSpider
from spiders.pages import facebook_graph


class FacebookGraphSpider(SourceSpider):
    name = "facebook-graph"
    page = facebook_graph
    obey_robots = False  # an authorised API, governed by its terms
