from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import TokenRequestSerializer, TokenSerializer
from accounts.selectors import api_token_expires_at
from accounts.services import api_token_issue, api_tokens_revoke
from posts.api.throttling import AuthThrottle


class TokenView(APIView):
    """Exchange an email and a password for an API token, or revoke one's token."""

    authentication_classes = []  # a token is obtained with the password alone, no CSRF
    permission_classes = [AllowAny]
    throttle_classes = [AuthThrottle]

    @extend_schema(
        summary="Obtain an API token", request=TokenRequestSerializer, responses=TokenSerializer
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = api_token_issue(user=serializer.validated_data["user"])
        return Response(
            TokenSerializer(
                {"token": token.key, "expires_at": api_token_expires_at(token=token)}
            ).data
        )


class TokenRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Revoke my API token", request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        api_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
