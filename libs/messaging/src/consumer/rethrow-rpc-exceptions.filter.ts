import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter turns any handler error into `{status:'error', message:'Internal
 * server error'}`, which would hide the error from the retry and dead-letter logic (and from the
 * dead-letter record). Consumers apply this filter so the transport sees the original error.
 */
@Catch()
export class RethrowRpcExceptionsFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
