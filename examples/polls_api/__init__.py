"""The polls data as a Web API: restkit viewsets, token and session auth, an OpenAPI document."""
