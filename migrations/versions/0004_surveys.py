"""citizen surveys: questionnaires, channels, dossiers, responses, feedback

Revision ID: 0004_surveys
Revises: 0003_exams
Create Date: 2026-11-22 09:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_surveys'
down_revision = '0003_exams'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_questionnaires',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questionnaires')),
    sa.UniqueConstraint('code', name=op.f('uq_survey_questionnaires_code'))
    )
    op.create_table('survey_questionnaire_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'published', 'retired', name='questionnairestate', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('intro_en', sa.Text(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['survey_questionnaires.id'], name=op.f('fk_survey_questionnaire_versions_questionnaire_id_survey_questionnaires')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questionnaire_versions')),
    sa.UniqueConstraint('questionnaire_id', 'number', name=op.f('uq_survey_questionnaire_versions_questionnaire_id_number'))
    )
    op.create_table('survey_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('kiosk', 'qr', 'dossier', 'paper', name='channelkind', native_enum=False, length=20), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('counter', sa.String(length=60), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('short_form', sa.Boolean(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('duty_officer_id', sa.Integer(), nullable=True),
    sa.Column('duty_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['duty_officer_id'], ['people.id'], name=op.f('fk_survey_channels_duty_officer_id_people')),
    sa.ForeignKeyConstraint(['officer_id'], ['people.id'], name=op.f('fk_survey_channels_officer_id_people')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['survey_questionnaires.id'], name=op.f('fk_survey_channels_questionnaire_id_survey_questionnaires')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_survey_channels_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_channels')),
    sa.UniqueConstraint('code', name=op.f('uq_survey_channels_code')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_survey_channels_token_hash'))
    )
    with op.batch_alter_table('survey_channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_channels_unit_id'), ['unit_id'], unique=False)

    op.create_table('survey_dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('procedure', sa.String(length=300), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['people.id'], name=op.f('fk_survey_dossiers_officer_id_people')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_survey_dossiers_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_dossiers')),
    sa.UniqueConstraint('code', name=op.f('uq_survey_dossiers_code'))
    )
    with op.batch_alter_table('survey_dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_dossiers_unit_id'), ['unit_id'], unique=False)

    op.create_table('survey_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=40), nullable=False),
    sa.Column('qtype', sa.Enum('scale5', 'yes_no', 'single', 'multi', 'number', 'text', name='questiontype', native_enum=False, length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('condition', sa.JSON(), nullable=True),
    sa.Column('min_value', sa.Integer(), nullable=True),
    sa.Column('max_value', sa.Integer(), nullable=True),
    sa.Column('factor', sa.String(length=20), nullable=False),
    sa.Column('short', sa.Boolean(), nullable=False),
    sa.Column('rates_officer', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['survey_questionnaire_versions.id'], name=op.f('fk_survey_questions_version_id_survey_questionnaire_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
    sa.UniqueConstraint('version_id', 'key', name=op.f('uq_survey_questions_version_id_key'))
    )
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_questions_version_id'), ['version_id'], unique=False)

    op.create_table('survey_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('state', sa.Enum('received', 'in_progress', 'answered', name='feedbackstate', native_enum=False, length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['handled_by_id'], ['accounts.id'], name=op.f('fk_survey_feedback_handled_by_id_accounts')),
    sa.ForeignKeyConstraint(['officer_id'], ['people.id'], name=op.f('fk_survey_feedback_officer_id_people')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_survey_feedback_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_feedback'))
    )
    with op.batch_alter_table('survey_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_feedback_unit_id'), ['unit_id'], unique=False)

    op.create_table('survey_paper_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('collected_on', sa.Date(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('sample', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['accounts.id'], name=op.f('fk_survey_paper_batches_entered_by_id_accounts')),
    sa.ForeignKeyConstraint(['officer_id'], ['people.id'], name=op.f('fk_survey_paper_batches_officer_id_people')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_survey_paper_batches_unit_id_units')),
    sa.ForeignKeyConstraint(['version_id'], ['survey_questionnaire_versions.id'], name=op.f('fk_survey_paper_batches_version_id_survey_questionnaire_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_paper_batches'))
    )
    with op.batch_alter_table('survey_paper_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_paper_batches_unit_id'), ['unit_id'], unique=False)

    op.create_table('survey_submission_keys',
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['survey_channels.id'], name=op.f('fk_survey_submission_keys_channel_id_survey_channels')),
    sa.PrimaryKeyConstraint('channel_id', 'key', name=op.f('pk_survey_submission_keys')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_paper_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('form_no', sa.Integer(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Boolean(), nullable=False),
    sa.Column('differences', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['survey_paper_batches.id'], name=op.f('fk_survey_paper_checks_batch_id_survey_paper_batches')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['accounts.id'], name=op.f('fk_survey_paper_checks_checked_by_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_paper_checks')),
    sa.UniqueConstraint('batch_id', 'form_no', name=op.f('uq_survey_paper_checks_batch_id_form_no'))
    )
    op.create_table('survey_responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('channel_kind', sa.Enum('kiosk', 'qr', 'dossier', 'paper', name='channelkind', native_enum=False, length=20), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('paper_batch_id', sa.Integer(), nullable=True),
    sa.Column('paper_form_no', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['channel_id'], ['survey_channels.id'], name=op.f('fk_survey_responses_channel_id_survey_channels')),
    sa.ForeignKeyConstraint(['officer_id'], ['people.id'], name=op.f('fk_survey_responses_officer_id_people')),
    sa.ForeignKeyConstraint(['paper_batch_id'], ['survey_paper_batches.id'], name=op.f('fk_survey_responses_paper_batch_id_survey_paper_batches')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_survey_responses_unit_id_units')),
    sa.ForeignKeyConstraint(['version_id'], ['survey_questionnaire_versions.id'], name=op.f('fk_survey_responses_version_id_survey_questionnaire_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('paper_batch_id', 'paper_form_no', name=op.f('uq_survey_responses_paper_batch_id_paper_form_no')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index('ix_survey_responses_unit_day', ['unit_id', 'day'], unique=False)

    op.create_table('survey_answers',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_answers_question_id_survey_questions')),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_answers_response_id_survey_responses')),
    sa.PrimaryKeyConstraint('response_id', 'question_id', 'choice', name=op.f('pk_survey_answers')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_question', ['question_id', 'number'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answers_question')

    op.drop_table('survey_answers')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_responses_unit_day')
        batch_op.drop_index(batch_op.f('ix_survey_responses_officer_id'))

    op.drop_table('survey_responses')
    op.drop_table('survey_paper_checks')
    op.drop_table('survey_submission_keys')
    with op.batch_alter_table('survey_paper_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_paper_batches_unit_id'))

    op.drop_table('survey_paper_batches')
    with op.batch_alter_table('survey_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_feedback_unit_id'))

    op.drop_table('survey_feedback')
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_questions_version_id'))

    op.drop_table('survey_questions')
    with op.batch_alter_table('survey_dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_dossiers_unit_id'))

    op.drop_table('survey_dossiers')
    with op.batch_alter_table('survey_channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_channels_unit_id'))

    op.drop_table('survey_channels')
    op.drop_table('survey_questionnaire_versions')
    op.drop_table('survey_questionnaires')
