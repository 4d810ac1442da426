/* sk_detect_base64: attacks caught at both levels, benign text passed. */
#include "lists.h"

static const char *const attacks[] = {
    "PDxzY3IAaXB0L3NyYz1odHRwOi8veHNzLmNvbS94c3MuanM+PC9zY3JpcHQ",
    "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg",
    "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "/PGJvZHkgb25sb2FkPWFsZXJ0KCd0ZXN0MScpPg",
    "JyBPUiAxPTEtLQ",
    "Oy9iaW4vY2F0IC9ldGMvcGFzc3dk",
    "{\"data\": \"PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg\"}",
    "ZGIuaW5qZWN0aW9uLmluc2VydCh7c3VjY2VzczoxfSk7",
    "PCEtLSNleGVjIGNtZD0ibHMiIC0tPg",
    "e3sxMzM3KjEzMzh9fQ",
    "Li4vLi4vLi4vZXRjL3Bhc3N3ZA",
};

static const char *const benign[] = {
    "aGVsbG8gd29ybGQ",
    "eyJyZXR1cm5UbyI6Ii9kYXNoYm9hcmQifQ",
    "dGhlIHF1aWNrIGJyb3duIGZveA==",
    "documentation",
    "/api/v1/users/12345",
    "abcdefghijklmnopqrstuvwxyz0123456789",
    "{\"token\": \"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\"}",
    "SGVsbG8sIFdvcmxkIQ",
    "Zm9vYmFy",
    "The quick brown fox jumps",
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg"
    "==",
};

LIST_TESTS(sk_detect_base64)
