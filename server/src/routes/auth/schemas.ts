import { Type } from 'typebox';
import { PASSWORD_MAX } from '../../auth/password.js';

export const EMAIL_MAX = 254;

const Email = Type.String({
  minLength: 3,
  maxLength: EMAIL_MAX,
  pattern: '^[^@\\s]+@[^@\\s]+$',
  description: 'The account email (any case).',
});
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX });
const Token = Type.String({ minLength: 1, maxLength: 100, description: 'The reset token from the email (or the server log).' });

export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export const ResetRequestBody = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetConfirmBody = Type.Object(
  { token: Token, password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX, description: 'The new password: at least 12 characters.' }) },
  { additionalProperties: false },
);

export const MembershipBody = Type.Object({
  municipalityId: Type.Integer(),
  municipalityCode: Type.String(),
  municipalityName: Type.String(),
  role: Type.Union([Type.Literal('viewer'), Type.Literal('official'), Type.Literal('editor'), Type.Literal('admin')]),
});

export const UserBody = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  language: Type.Union([Type.Literal('lv'), Type.Literal('en'), Type.Literal('uk')]),
  platformAdmin: Type.Boolean({ description: 'Administrator of every municipality.' }),
  memberships: Type.Array(MembershipBody),
});

export const SessionBody = Type.Object({
  user: UserBody,
  csrfToken: Type.String({ description: 'Send it in the X-CSRF-Token header of every request that changes data.' }),
});

export const MessageBody = Type.Object({ message: Type.String() });
