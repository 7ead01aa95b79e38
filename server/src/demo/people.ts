import type { DemoPlaces } from './places.js';
import type { Random } from './random.js';

/** Invented people and companies: the demo must never hold anyone's real personal data. */
export class FakePeople {
  constructor(
    private readonly names: DemoPlaces['people'],
    private readonly random: Random,
  ) {}

  /** "Līga Kalniņa": first and last name agreeing in gender, as Latvian surnames do. */
  person(): string {
    const female = this.random.chance(0.5);
    const first = this.random.pick(female ? this.names.femaleFirst : this.names.maleFirst);
    const [male, fem] = this.random.pick(this.names.lastNames);
    return `${first} ${female ? fem : male}`;
  }

  /** A developer company or a private person, as owners of new private streets are. */
  owner(): string {
    return this.random.chance(0.45) ? this.random.pick(this.names.companies) : this.person();
  }

  /** A Latvian mobile number in the +371 2xxxxxxx pattern (invented). */
  phone(): string {
    const digits = String(this.random.int(0, 9_999_999)).padStart(7, '0');
    return `+371 2${digits.slice(0, 3)} ${digits.slice(3)}`;
  }
}
