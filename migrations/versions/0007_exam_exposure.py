"""exam exposure counts: how many online attempts of each exam drew each question

A start used to count them over the exam's 400 most recent attempts (a join of up to
9,600 item rows per start); it now reads and increments this table. Existing online
attempts are counted into it.

Revision ID: 0007_exam_exposure
Revises: 0006_analytics_hr
Create Date: 2026-12-05 06:40:27.822699

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_exam_exposure'
down_revision = '0006_analytics_hr'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exam_exposure',
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('drawn', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_exam_exposure_exam_id_exams')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_exam_exposure_question_id_questions')),
    sa.PrimaryKeyConstraint('exam_id', 'question_id', name=op.f('pk_exam_exposure'))
    )
    op.execute(
        "INSERT INTO exam_exposure (exam_id, question_id, drawn)"
        " SELECT attempts.exam_id, question_versions.question_id, count(*)"
        " FROM attempt_items"
        " JOIN attempts ON attempts.id = attempt_items.attempt_id"
        " JOIN question_versions ON question_versions.id = attempt_items.version_id"
        " WHERE NOT attempts.paper"
        " GROUP BY attempts.exam_id, question_versions.question_id"
    )


def downgrade():
    op.drop_table('exam_exposure')
