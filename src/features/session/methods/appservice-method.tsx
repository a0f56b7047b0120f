/**
 * Application-service sign-in (docs/protocol.md §7), offered on every server: "Sign in as an
 * application service" reveals a "Registration YAML" field. The registration is parsed with the
 * `yaml` package (`src/matrix/appservice/registration.ts`): `id`, `as_token`, `sender_localpart` and
 * the user namespaces are kept, the `hs_token` is dropped at once and never stored. The `as_token`
 * is checked with whoami, which must answer as the registration's sender.
 */
import { useId, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Banner } from '../../../components/banner.tsx';
import { appserviceSignIn } from '../../../matrix/appservice/sign-in.ts';
import { MatrixApiError } from '../../../matrix/errors.ts';
import { signInErrorMessage } from '../error-message.ts';
import type { SignInMethodDescriptor, SignInMethodProps } from './method-descriptor.ts';

/** Why an appservice sign-in failed, for people. */
function appserviceErrorMessage(error: unknown): string {
  if (
    error instanceof MatrixApiError &&
    (error.errcode === 'M_UNKNOWN_TOKEN' || error.errcode === 'M_MISSING_TOKEN')
  ) {
    return 'The homeserver does not know this as_token. Is the registration listed in the server’s app_service_config_files, and was the server restarted since? (Requests from outside the registration’s ip_range_whitelist are refused the same way.)';
  }
  return signInErrorMessage(error, 'token');
}

export function AppserviceMethod({ baseUrl, onSignedIn }: SignInMethodProps) {
  const [isOpen, setIsOpen] = useState(false);
  const [yaml, setYaml] = useState('');
  const yamlId = useId();
  const formId = useId();
  const signIn = useMutation({
    // Parsed here, so the hs_token never leaves this closure: only the parsed fields go on. The
    // parser (and the `yaml` package) loads only now: few people sign in this way (ADR 015).
    mutationFn: async () => {
      const { parseRegistration } = await import('../../../matrix/appservice/registration.ts');
      return appserviceSignIn(baseUrl, parseRegistration(yaml));
    },
    onSuccess: (session) => {
      setYaml('');
      onSignedIn(session);
    },
  });
  return (
    <div className="method" role="group" aria-label="Application service">
      <h2 className="method__title">Application service</h2>
      <button
        type="button"
        className="button button--tertiary"
        aria-expanded={isOpen}
        aria-controls={formId}
        onClick={() => {
          setIsOpen((open) => !open);
        }}
      >
        Sign in as an application service
      </button>
      {isOpen ? (
        <form
          id={formId}
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            signIn.mutate();
          }}
        >
          <label htmlFor={yamlId}>Registration YAML</label>
          <textarea
            id={yamlId}
            className="textarea"
            rows={10}
            value={yaml}
            onChange={(e) => {
              setYaml(e.target.value);
            }}
            placeholder={
              'id: my-bridge\nas_token: …\nsender_localpart: _bridge\nnamespaces:\n  users:\n    - { exclusive: true, regex: "@_bridge_.*:example.org" }'
            }
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            required
          />
          <p className="hint">
            Paste the registration file installed on this homeserver. The inspector then reads and writes the
            account data of the namespace&apos;s users by identity assertion. Only id, as_token,
            sender_localpart and the user namespaces are kept; the hs_token is not needed and is never stored.
          </p>
          {signIn.isError ? <Banner tone="critical">{appserviceErrorMessage(signIn.error)}</Banner> : null}
          <button type="submit" className="button button--secondary" disabled={signIn.isPending}>
            {signIn.isPending ? 'Checking…' : 'Sign in as application service'}
          </button>
        </form>
      ) : null}
    </div>
  );
}

export const appserviceMethod: SignInMethodDescriptor = {
  id: 'appservice',
  // Any homeserver may have the registration installed; only the whoami check can tell.
  isAvailable: () => true,
  Component: AppserviceMethod,
};
