import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics.js';

/**
 * Times every HTTP request into `enlace_http_request_duration_seconds`, labelled with the route template that
 * answered (`/api/channels/:channelId/messages`), never the raw URL: ids would make one series per request.
 * Requests no route answered are `<static>` (the web client's files), `<unmatched>` (404) or `<rejected>` (refused
 * before routing: a body too large or not JSON).
 */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const template: unknown = req.route?.path;
      const route =
        typeof template === 'string'
          ? `${req.baseUrl ?? ''}${template}`
          : res.statusCode === 404
            ? '<unmatched>'
            : res.statusCode < 400
              ? '<static>'
              : '<rejected>';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
