import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity('countries')
export class Country {
  @PrimaryColumn({ type: 'char', length: 2 }) code: string;
  @Column({ name: 'name_en' }) nameEn: string;
  @Column({ name: 'name_es' }) nameEs: string;
  @Column() kind: 'member' | 'observer';
}

@Entity('organizations')
export class Organization {
  @PrimaryColumn() code: string;
  @Column({ name: 'name_en' }) nameEn: string;
  @Column({ name: 'name_es' }) nameEs: string;
}

@Entity('networks')
export class Network {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() slug: string;
  @Column({ name: 'name_en' }) nameEn: string;
  @Column({ name: 'name_es' }) nameEs: string;
  @Column({ name: 'case_prefix' }) casePrefix: string;
}
