package io.pubsubgateway.api;

import io.vertx.core.json.JsonObject;

/**
 * A refused API request: the HTTP {@code status} and a JSON body
 * {@code {"error": code, "message": text, "field"?: name}}.
 */
final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;

  ApiException(int status, String code, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  static ApiException badRequest(String code, String message, String field) {
    return new ApiException(400, code, message, field);
  }

  int status() {
    return status;
  }

  JsonObject toJson() {
    JsonObject body = new JsonObject().put("error", code).put("message", getMessage());
    if (field != null) {
      body.put("field", field);
    }
    return body;
  }
}
